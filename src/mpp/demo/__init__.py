"""Demo seeding for `make run` that spans several contexts (accounts, agencies, an SSO client); demo mode only."""
