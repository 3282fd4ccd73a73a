"""Date and number formats where Django's own locale leaves gaps (FORMAT_MODULE_PATH)."""
