"""One module per screen; screens show what they are given and emit what the citizen chose."""
