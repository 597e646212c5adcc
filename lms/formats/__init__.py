"""The project's date formats where Django's own read oddly (FORMAT_MODULE_PATH)."""
