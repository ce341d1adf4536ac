"""The commands people use around the build: new, init, serve, notify, docs."""
