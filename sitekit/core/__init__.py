"""What every feature shares: the build state and options (state), problems (problems),
file helpers (files), forked processes (forks, collector), logging (logs), the inputs
digest (inputs), dates (dates) and the Markdown sources as files and fields (sources).
Imports no feature and not the runner."""
