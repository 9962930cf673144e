"""Staff mode: the PIN pad and the panel booth staff and technicians run the kiosk from."""
