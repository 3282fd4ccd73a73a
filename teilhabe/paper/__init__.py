"""Paper forms: printable participation forms with serial numbers and QR codes, and their print runs
(Papierfragebogen, Druckauflage)."""
