"""Order services, split by topic: creation from an accepted quote, the Confirm Order wizard, confirmation."""
