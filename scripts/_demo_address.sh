# Shared by demo.sh and its test: where the demo listens, from the same variables as
# docker-compose.yml. ECOUTE_PORT (default 8000) and ECOUTE_BIND (default 127.0.0.1; 0.0.0.0 for
# every address of the machine). Sets DEMO_ADDR (for runserver), DEMO_URL (to print) and ALLOWED_HOSTS.
ECOUTE_BIND="${ECOUTE_BIND:-127.0.0.1}"
ECOUTE_PORT="${ECOUTE_PORT:-8000}"
if ! [[ "$ECOUTE_PORT" =~ ^[0-9]{1,5}$ ]] || [ "$ECOUTE_PORT" -lt 1 ] || [ "$ECOUTE_PORT" -gt 65535 ]; then
  echo "ECOUTE_PORT=$ECOUTE_PORT is not a port number (1 to 65535)." >&2
  exit 1
fi
if ! [[ "$ECOUTE_BIND" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; then
  echo "ECOUTE_BIND=$ECOUTE_BIND is not an IPv4 address (127.0.0.1 for this machine only, 0.0.0.0 for all its addresses)." >&2
  exit 1
fi
DEMO_ADDR="$ECOUTE_BIND:$ECOUTE_PORT"
if [ "$ECOUTE_BIND" = 0.0.0.0 ]; then
  DEMO_URL="http://127.0.0.1:$ECOUTE_PORT/"
  DEMO_URL_NOTE=" — and on this machine's other addresses, for the host names in ALLOWED_HOSTS"
  export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
else
  DEMO_URL="http://$ECOUTE_BIND:$ECOUTE_PORT/"
  DEMO_URL_NOTE=""
  export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1,$ECOUTE_BIND}"
fi
