"""Addresses that never break: editors' redirects (Redirect-From:), addresses gone for good
(content/gone.txt), and the record of every address the site has published
(content/addresses.txt)."""
