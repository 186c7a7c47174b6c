"""graphkit."""
