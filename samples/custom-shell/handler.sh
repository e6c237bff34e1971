# main_handler EVENT_FILE REQUEST_ID: writes the result (JSON) to stdout, or
# fails with the error text on stderr. Echoes the event back with the request id;
# an event {"fail": …} fails (to show the error path).
main_handler() {
  echo "handling $2" >&2
  if grep -q '"fail"' "$1"; then
    echo "asked to fail" >&2
    return 1
  fi
  printf '{"requestId":"%s","event":%s}' "$2" "$(cat "$1")"
}
