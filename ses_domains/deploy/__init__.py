"""The Pulumi side: the program, its components, zone lookups and the verification step."""
