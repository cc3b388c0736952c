"""The intelligence framework: indicator registry, computation, disclosure control."""
