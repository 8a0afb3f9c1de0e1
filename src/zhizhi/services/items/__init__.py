"""The service item catalogue (GB/T 39554): items, their versions and materials and form fields,
the rules on codes and limits, stewardship, Excel import/export and the public guide."""
