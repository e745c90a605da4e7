"""Records to query and the inquiries made on them: persons with wants and warrants, vehicles and
their stolen status, missing persons, BOLOs; an inquiry searches them first, then each state or
national system configured (CAD_INQUIRY_ADAPTERS), and is kept and audited."""
