"""Qt widgets: thin views over kiosk.core objects."""
