"""Tests for the BAS-IP integration, its device client and the device simulator."""
