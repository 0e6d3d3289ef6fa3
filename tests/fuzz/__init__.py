"""Property-based fuzzing of the device client's parsers and body decoding."""
