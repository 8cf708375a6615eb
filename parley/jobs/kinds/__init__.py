"""One module per background job kind; parley.jobs.registry puts them in the order a round runs them."""
