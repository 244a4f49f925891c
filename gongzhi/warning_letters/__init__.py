"""The warning system (警示制度, R-MECH-3): 提示函, 警示函 and measures to any of the four parties,
drafted by configurable triggers from the platform's records and sent only once a person approves;
numbered per town and year, delivered in the platform and by SMS, acknowledged, answered with
evidence, verified or escalated to the next level, each linked to its cause and to the credit
record it writes."""
