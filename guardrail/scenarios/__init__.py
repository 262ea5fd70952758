"""Labeled scenarios: conversations and the writes an agent makes in them, each write labeled
with the decision the guardrail must reach and, for blocks, the rules that must block it.

A policy pack ships its scenarios in ``scenarios/`` beside its policies (the policy loader
skips that directory). ``guardrail test`` runs them offline, with a simulated CRM
(guardrail.scenarios.offline); the project's end-to-end suite runs the same files through a
real proxy in front of the sandbox CRM. Both read them with guardrail.scenarios.format and
score them with guardrail.scenarios.scoring, so the two can only disagree about the CRM.

A suite is a directory of YAML files, one per theme (``grounding.yaml``, ``refunds.yaml``...),
each ``{"scenarios": [...]}``. A scenario is one conversation showing one behaviour:

``name``
    unique in the suite, kebab-case; ``about``: one sentence saying what it shows.
``conversation``
    the body of ``PUT /guardrail/v1/conversations/{id}`` (channel, customer, entitlements,
    turns, outcome, metadata), registered before the first step under an id unique to the run.
``records``
    optional fields of the records the scenario starts with, by placeholder (``account``,
    ``contact``, ``case``, ``other_account``, ``other_contact``, ``other_case``), over their
    defaults (the CRM's starting records: ``SimulatedCrm.starting_records``): what a read
    of that record shows, e.g.
    ``{case: {Subject: Wrong size delivered, Reason: Return}}``.
``reads``
    what the agent reads first: sObject paths (``sobjects/Case/{case}``) or SOQL (``SELECT ...``).
``steps``
    in order, each one of:

    - a write: ``name``, ``method`` (POST, PATCH, DELETE), ``path`` relative to
      the CRM's API (``SimulatedCrm.api_path``: ``/services/data/v59.0/``, ServiceNow's
      ``/api/now/table/``), ``body``, optional ``tool`` (sent as ``X-Guardrail-Tool``),
      optional ``header`` (``none``: no ``X-Guardrail-Conversation``; ``unregistered``: an id
      the proxy never heard of), ``expect: allow|block|hold``; a block lists ``rules``, every
      ``policy/Rule`` that must stop it (and no other may): blocking it or holding it for
      approval both count as stopping a bad write; ``hold`` is for a write that must wait
      for a person whatever the conversation (``action: hold``) and lists the rules that
      hold it; an allow may list ``near_miss``, the rules it is a near miss for (it must not
      trip them). A good write that is held counts as review load, apart from false blocks;
    - ``read``: a path or SOQL, as in ``reads``;
    - ``patch``: a change to the conversation (``PATCH``, e.g. ``{outcome: resolved}``);
    - ``append_turns``: turns said since (``POST .../turns``);
    - ``new_conversation``: a PUT body; later steps belong to this new conversation (the same
      customer calling back, or someone else).

Before each scenario the runner creates an account, a contact and an open case for the customer
and the same for someone else (the CRM's objects; ``records`` over their defaults), and fills
these placeholders in every string: ``{account}``, ``{contact}``, ``{case}``, ``{account_ext}``
(the account's External_Id__c), ``{contact_ext}``, ``{other_account}``, ``{other_contact}``,
``{other_case}``, ``{tag}`` (unique to the scenario's run), ``{queue:<name>}`` (the sandbox's
queues or assignment groups: ``SimulatedCrm.queues``),
``{created:<step name>}`` (the id an earlier step created) and ``{filler:<n>}`` (n characters
of text). ``{...|15}`` gives an id's 15-character form.
"""
