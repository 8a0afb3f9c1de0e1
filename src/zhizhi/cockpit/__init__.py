"""The leaders' cockpit (驾驶舱): a read-only consumer of the case engine's figures and routing's
hotspots, plus the leader's instruction (指令) that opens a supervised case."""
