"""Field Relay: relay reports from trusted contacts to editors and supporter channels."""

__version__ = "0.1.0"
