# Helpers of the script tests (scripts/test/*.test.sh), sourced. Every wait is bounded.
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# port_open PORT: whether something accepts connections on 127.0.0.1:PORT right now.
port_open() {
  node -e "const c=require('node:net').connect($1,'127.0.0.1');c.on('connect',()=>process.exit(0));c.on('error',()=>process.exit(1))"
}

# wait_until SECONDS DESCRIPTION COMMAND...: re-runs COMMAND every 0.1 s until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.1
  done
}

# wait_exit SECONDS PID: waits for our child PID to exit (bounded); its status in EXIT_STATUS. Not
# in $(...): a subshell cannot wait for this shell's children.
wait_exit() {
  local deadline=$((SECONDS + $1))
  while kill -0 "$2" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { kill -KILL "$2" 2>/dev/null; fail "pid $2 did not exit within $1 s"; }
    sleep 0.1
  done
  EXIT_STATUS=0; wait "$2" || EXIT_STATUS=$?
}
