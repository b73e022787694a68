"""Governance: deep dives from trigger to closure, and the meetings that act on the
figures (performance surgeries, IRO performance meetings, the Quartet, the improvement
board). Their actions live in the shared action tracker (``lantern.actions``)."""
