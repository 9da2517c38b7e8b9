"""The lifecycle rules (Art 12, 14, 16, 17, 20, 21, 33): how catalog entries and data resources
leave the platform, how entries follow a change in law, accounts, information systems, one
data one source, and the unauthorised stops the Authority tracks."""
