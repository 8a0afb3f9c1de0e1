"""好差评 of services (GB/T 39734/39735): one rating per application and stage, the online or
on-site dimensions, and the verification → rectification → feedback of every bad rating."""
