// The dashboard lands here.
