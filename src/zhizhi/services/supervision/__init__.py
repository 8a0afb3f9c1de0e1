"""电子监察: applications late or at risk against their legal and promised deadlines, items whose
real handling time exceeds their promise, and refusals or denials without a legal basis."""
