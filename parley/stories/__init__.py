"""Stories: the coverage of one event by every outlet, grouped (issue 22). An article is placed in
the background after enrichment (parley.jobs.kinds.stories): it joins the open story it reports
the same event as, or stays alone. matching.py decides from evidence it records; services.py writes."""
