"""Images: their checks in the sources (check), responsive <picture> markup and social
images (plugin), encoding and the names of the files (imaging), and making every file
from a cache on every core (publish)."""
