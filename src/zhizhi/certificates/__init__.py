"""Electronic certificates (电子证照): library, SM2 signatures, public verification, shared lookup."""
