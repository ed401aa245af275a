"""b2c.wireguard: a tunnel made by our init, its other end by the reference
tool (wireguard-tools' `wg`, in a container of another machine), and a
registry that only the tunnel routes to, from which the image is pulled.

Two VMs joined by a socket NIC (192.168.50.0/24). A, the farm's gateway,
makes its end in a service container with `ip link add ... type wireguard`
and `wg set`, takes 10.77.0.1 as the registry's address, and relays
10.77.0.1:5000 to the host's registry (busybox's nc, a process a connection). B has
b2c.wireguard only: its init creates wg0, sets keys and peer through the
kernel's generic netlink family, routes 10.77.0.0/16 through the tunnel,
and its pipeline pulls 10.77.0.1:5000/busybox, pings A's tunnel address,
and tells A it is done through the tunnel. (The host test the design
asked for, `wg` at one end in a network namespace, cannot run here: these
hosts' kernel has no WireGuard. This boot is that test too.)
"""
import re
import shutil
import subprocess

from conftest import STATUS_LINE, free_port
from test_network import socket_nic, wait_listening
from test_pipeline import assert_ended_before_pipeline, lines


def keypair():
    private = subprocess.run(["wg", "genkey"], capture_output=True, text=True, check=True).stdout.strip()
    public = subprocess.run(["wg", "pubkey"], input=private, capture_output=True, text=True,
                            check=True).stdout.strip()
    return private, public


def test_image_pulled_from_a_registry_only_the_tunnel_routes_to(start_boot, secret_watch, registry, busybox_image,
                                                               wg_tools_image):
    assert shutil.which("wg"), "wg is missing: apt-get install wireguard-tools"
    a_private, a_public = keypair()
    b_private, b_public = keypair()
    secret_watch.add(b_private)  # A's is the reference side's, on its command line
    lan = free_port()
    # A's key reaches `wg` through a file in its container: A's command line
    # shows it (a test key of the reference side, not one our init holds).
    a_tunnel = (f"echo {a_private} > /tmp/key && ip link add wg0 type wireguard && "
                f"wg set wg0 private-key /tmp/key listen-port 51820 peer {b_public} allowed-ips 10.99.0.2/32 && "
                "ip addr add 10.99.0.1/24 dev wg0 && ip addr add 10.77.0.1/32 dev lo && ip link set wg0 up && "
                f"exec nc -ll -p 5000 -e nc 10.0.2.2 {registry.port}")
    a = start_boot("b2c.hostname=gateway", "b2c.iface=eth0,dhcp", "b2c.iface=eth1,address=192.168.50.1/24",
                   f"b2c.run_service=\"--stop-signal=KILL {wg_tools_image} sh -c '{a_tunnel}'\"",
                   f"b2c.run=\"{wg_tools_image} sh -c 'nc -l -p 7777; wg show wg0 latest-handshakes; "
                   "wg show wg0 transfer'\"",
                   timeout=300, extra=socket_nic("listen", lan, "52:54:00:b2:c0:1a"))
    wait_listening(lan)
    b_image = f"--tls-verify=false 10.77.0.1:5000/{busybox_image}"
    b = start_boot("b2c.hostname=farm-machine", "b2c.iface=eth0,dhcp", "b2c.iface=eth1,address=192.168.50.2/24",
                   f"b2c.wireguard=wg0,private_key={b_private},address=10.99.0.2/24,peer={a_public},"
                   "endpoint=192.168.50.1:51820,allowed_ips=10.99.0.0/24;10.77.0.0/16,keepalive=5",
                   f"b2c.run=\"{b_image} sh -c 'ping -c 1 -W 5 10.99.0.1 && echo pulled-through-the-tunnel-$((6*7)) "
                   "&& ip -4 route; echo done | nc 10.99.0.1 7777'\"",
                   timeout=300, extra=socket_nic("connect", lan, "52:54:00:b2:c0:1b"))
    rb = b.wait()
    ra = a.wait()
    assert "WireGuard: wg0 is up with 10.99.0.2/24, routes 10.77.0.0/16 through it" in rb.text, \
        rb.why("B's init should have made wg0 and routed the registry's network through it")
    assert f"WireGuard: wg0: peer {a_public}: endpoint 192.168.50.1:51820, allowed 10.99.0.0/24 10.77.0.0/16, " \
           "keepalive 5 s" in rb.text, rb.why("B should log its peer")
    assert rb.code == 0, rb.why("B should pull from 10.77.0.1:5000 through the tunnel, status 0")
    assert lines(rb.text, "pulled-through-the-tunnel-42"), rb.why("B's container should have run and pinged A")
    assert re.search(r"^10\.77\.0\.0/16 dev wg0", rb.text, re.M), rb.why("B's route to the registry's network")
    assert f"{STATUS_LINE} 0" in rb.text, rb.why()
    assert lines(ra.text, "done"), ra.why("A should get B's message through the tunnel")
    handshake = re.search(rf"^{re.escape(b_public)}\s+(\d+)$", ra.text, re.M)
    assert handshake and int(handshake.group(1)) > 0, ra.why("`wg show` on A should see a handshake with B")
    assert ra.code == 0, ra.why("A should end with status 0")


def test_a_tunnel_that_cannot_be_made_stops_the_boot_naming_it(boot, image):
    """An endpoint whose name does not resolve: the network phase fails with
    the option and the interface named, the pipeline does not run (it may
    need the tunnel), and the session ends."""
    private, _ = keypair()
    _, peer = keypair()
    r = boot(f"b2c.wireguard=wg0,private_key={private},address=10.99.0.2/24,peer={peer},"
             "endpoint=no-such-gateway.invalid:51820,allowed_ips=10.99.0.0/24",
             f"b2c.run=\"{image} sh -c 'echo ran-$((2+2))'\"")
    assert re.search(rf"ERROR: .*b2c\.wireguard: wg0: the endpoint of peer {re.escape(peer)}: "
                     r"cannot resolve no-such-gateway\.invalid", r.text), \
        r.why("the error should name the option, the interface and the endpoint")
    assert not lines(r.text, "ran-4"), r.why("the pipeline must not run without its tunnel")
    assert_ended_before_pipeline(r)
