"""backpain: a calm terminal coach for physical-therapy exercise routines."""

# A literal (read by hatchling at build time) keeps `import backpain_cli` free of
# importlib.metadata, which would cost start-up time on every command.
__version__ = "0.1.0"
