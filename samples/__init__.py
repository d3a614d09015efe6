"""The shipped sample data (a package so that it travels in the wheel)."""
