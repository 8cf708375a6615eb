"""Reader accounts: sign-up, sign-in, profiles, suspensions, API tokens and rate limits."""
