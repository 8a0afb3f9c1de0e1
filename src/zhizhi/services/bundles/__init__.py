"""一件事一次办: bundles of service items with one merged form and one submission."""
