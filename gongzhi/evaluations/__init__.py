"""The quarterly inspection-evaluation (R-MECH-4, R-ORG-2): one record per town and quarter, per
neighborhood under it, gathering its three parts — each party's quarterly report, the forums with
residents' committee cadres, owner representatives, property-company and developer representatives
and residents' congress delegates, and the quarter's satisfaction survey."""
