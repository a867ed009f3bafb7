"""Hosting: what static hosts need beside the pages: security headers for nginx, Netlify
and Cloudflare (headers), the CSP <meta> for hosts without headers and each page's
newest date (plugin), the sitemap (sitemap), and .gz/.br twins (precompress)."""
