"""Who is who: normalised names and their variants, the one actor index, candidates for dedupe."""
