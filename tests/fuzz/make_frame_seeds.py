#!/usr/bin/env python3
"""Write the seed corpus for fuzz_frame into tests/fuzz/corpus/frame/.

Every seed is built from fixed values, so running this again produces
byte-identical files. The checksums are computed here in Python, apart
from the C codec, so a seed that decodes cleanly is also a cross-check.
IPv6 and Neighbor Discovery are built the same way. Beside them the
corpus holds frames a Linux 6.x kernel sent (the real_*.bin files), which
this script leaves alone: captured with tcpdump on one end of a veth pair
between two fresh network namespaces, both at the kernel's defaults
(offloads on, so the TCP checksums are partial; link-local addresses,
duplicate address detection, router solicitations and MLD reports), while
the two kernels connected over IPv6, sent data, closed, and passed a UDP
datagram too large for the link (the fragments, the port unreachable).
test_frame6.c checks what each of them decodes as.

    python3 tests/fuzz/make_frame_seeds.py [OUTDIR]
"""

import os
import struct
import sys

CLIENT_MAC = bytes.fromhex("020000000001")
PEER_MAC = bytes.fromhex("020000000002")
BROADCAST = b"\xff" * 6
CLIENT_IP = bytes([10, 0, 0, 1])
PEER_IP = bytes([10, 0, 0, 2])
CLIENT_IP6 = bytes.fromhex("20010db8000000000000000000000001")
PEER_IP6 = bytes.fromhex("20010db8000000000000000000000002")


def csum(data):
    """RFC 1071 one's-complement checksum, big-endian words."""
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def eth(dst, src, ethertype, body):
    return dst + src + struct.pack("!H", ethertype) + body


def ipv4(payload, proto=6, ident=0x1C46, frag=0x4000, ttl=64,
         src=CLIENT_IP, dst=PEER_IP, options=b""):
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload),
                      ident, frag, ttl, proto, 0, src, dst) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def tcp(sport, dport, seq, ack, flags, window, options=b"", payload=b"",
        src=CLIENT_IP, dst=PEER_IP):
    doff = 5 + len(options) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4,
                      flags, window, 0, 0) + options
    seg = hdr + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    return seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]


# Linux 6.x SYN options: MSS, SACK-perm + TS, NOP + WS.
def syn_options(tsval, tsecr, mss=1460, wscale=7):
    return (struct.pack("!BBH", 2, 4, mss) + bytes([4, 2, 8, 10]) +
            struct.pack("!II", tsval, tsecr) + bytes([1, 3, 3, wscale]))


def ts_options(tsval, tsecr):
    return bytes([1, 1, 8, 10]) + struct.pack("!II", tsval, tsecr)


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def client_tcp(flags, seq, ack, options=b"", payload=b"", window=502,
               **ip_args):
    seg = tcp(45678, 8080, seq, ack, flags, window, options, payload)
    return eth(PEER_MAC, CLIENT_MAC, 0x0800, ipv4(seg, **ip_args))


def peer_tcp(flags, seq, ack, options=b"", payload=b""):
    seg = tcp(8080, 45678, seq, ack, flags, 509, options, payload,
              src=PEER_IP, dst=CLIENT_IP)
    return eth(CLIENT_MAC, PEER_MAC, 0x0800,
               ipv4(seg, src=PEER_IP, dst=CLIENT_IP))


def arp(op, sha, spa, tha, tpa, dst):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op,
                       sha, spa, tha, tpa)
    frame = eth(dst, sha, 0x0806, body)
    return frame + b"\x00" * (60 - len(frame))


def client_tcp_ip_opts(seq, ack):
    """An ACK whose IPv4 header carries a NOP NOP NOP EOL option word."""
    seg = tcp(45678, 8080, seq, ack, ACK, 502)
    return eth(PEER_MAC, CLIENT_MAC, 0x0800,
               ipv4(seg, options=bytes([1, 1, 1, 0])))


def offloaded(frame):
    """The frame as a capture sees it from a sender with checksum offload
    (a veth or tap at its defaults): the TCP checksum field holds only the
    pseudo-header sum, folded and not complemented. IPv4, no IP options."""
    ip = frame[14:]
    seg = ip[20:struct.unpack("!H", ip[2:4])[0]]
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(seg))
    partial = ~csum(pseudo) & 0xFFFF
    return frame[:34 + 16] + struct.pack("!H", partial) + frame[34 + 18:]


def ipv6(next_header, payload, src=CLIENT_IP6, dst=PEER_IP6, hop_limit=64,
         ext=b""):
    """An IPv6 packet; ext is the extension headers, already chained."""
    body = ext + payload
    return struct.pack("!IHBB", 0x60000000, len(body), next_header,
                       hop_limit) + src + dst + body


def l4_csum6(src, dst, proto, seg, at):
    """Fill in the checksum at offset at of an upper-layer segment."""
    pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
    seg = seg[:at] + b"\x00\x00" + seg[at + 2:]
    return seg[:at] + struct.pack("!H", csum(pseudo + seg)) + seg[at + 2:]


def tcp6(sport, dport, seq, ack, flags, window, options=b"", payload=b"",
         src=CLIENT_IP6, dst=PEER_IP6):
    doff = 5 + len(options) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4,
                      flags, window, 0, 0) + options + payload
    return l4_csum6(src, dst, 6, seg, 16)


def client_tcp6(flags, seq, ack, options=b"", payload=b"", window=502,
                ext=b"", first=6):
    """A client segment over IPv6; first is the header after IPv6's."""
    seg = tcp6(45678, 8080, seq, ack, flags, window, options, payload)
    return eth(PEER_MAC, CLIENT_MAC, 0x86DD, ipv6(first, seg, ext=ext))


def ext_header(next_header, body):
    """Hop-by-Hop or Destination Options: PadN up to 8-byte units."""
    raw = bytes([next_header, 0]) + body
    pad = (-len(raw)) % 8
    if pad == 1:
        raw += b"\x00"             # Pad1
    elif pad:
        raw += bytes([1, pad - 2]) + b"\x00" * (pad - 2)
    return bytes([next_header, len(raw) // 8 - 1]) + raw[2:]


def solicited_node(addr):
    return bytes.fromhex("ff0200000000000000000001ff") + addr[13:]


def mcast_mac(group):
    return b"\x33\x33" + group[12:]


def ndp(type_, target, src, dst, dst_mac, src_mac, flags=0, lla=None,
        hop_limit=255):
    """An NS (135) or NA (136), with a link-layer address option."""
    msg = struct.pack("!BBHI", type_, 0, 0, flags << 24) + target
    if lla is not None:
        msg += bytes([1 if type_ == 135 else 2, 1]) + lla
    msg = l4_csum6(src, dst, 58, msg, 2)
    return eth(dst_mac, src_mac, 0x86DD,
               ipv6(58, msg, src=src, dst=dst, hop_limit=hop_limit))


def mld2_report(group):
    """A Linux MLDv2 report from :: with its Router Alert Hop-by-Hop."""
    record = struct.pack("!BBH", 4, 0, 0) + group       # CHANGE_TO_EXCLUDE
    msg = struct.pack("!BBHHH", 143, 0, 0, 0, 1) + record
    src, dst = bytes(16), bytes.fromhex("ff020000000000000000000000000016")
    msg = l4_csum6(src, dst, 58, msg, 2)
    hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0])   # Router Alert (MLD), PadN
    return eth(mcast_mac(dst), CLIENT_MAC, 0x86DD,
               ipv6(0, msg, src=src, dst=dst, hop_limit=1, ext=hbh))


def ipv6_seeds(isn, peer_isn):
    """IPv6 TCP, its extension headers, NDP and the link's noise."""
    group = solicited_node(PEER_IP6)
    syn6 = client_tcp6(SYN, isn, 0, syn_options(0x009C4E21, 0, mss=1440),
                       window=64800)
    frag = struct.pack("!BBHI", 6, 0, 1, 0x12345678)     # offset 0, M set
    return {
        "ipv6_syn": syn6,
        "ipv6_synack": eth(CLIENT_MAC, PEER_MAC, 0x86DD, ipv6(6, tcp6(
            8080, 45678, peer_isn, isn + 1, SYN | ACK, 65535,
            syn_options(0x00ABCDEF, 0x009C4E21, mss=1440),
            src=PEER_IP6, dst=CLIENT_IP6), src=PEER_IP6, dst=CLIENT_IP6)),
        "ipv6_data_hbh": client_tcp6(
            PSH | ACK, isn + 1, peer_isn + 1,
            ts_options(0x009C4E30, 0x00ABCDEF), b"GET / HTTP/1.0\r\n\r\n",
            ext=ext_header(60, b"") + ext_header(6, b""), first=0),
        "ipv6_fin_routing_done": client_tcp6(
            FIN | ACK, isn + 19, peer_isn + 1, ext=bytes([6, 0, 0, 0]) +
            bytes(4), first=43),
        "ipv6_fragment": client_tcp6(ACK, isn + 1, peer_isn + 1,
                                     ext=frag, first=44),
        "ipv6_syn_partial_csum": syn6[:54 + 16] + struct.pack(
            "!H", ~csum(CLIENT_IP6 + PEER_IP6 + struct.pack(
                "!IxxxB", len(syn6) - 54, 6)) & 0xFFFF) + syn6[54 + 18:],
        "ipv6_ext_past_end": client_tcp6(ACK, isn + 1, peer_isn + 1,
                                         ext=bytes([6, 200]) + bytes(6),
                                         first=0),
        "ndp_ns": ndp(135, PEER_IP6, CLIENT_IP6, group, mcast_mac(group),
                      CLIENT_MAC, lla=CLIENT_MAC),
        "ndp_ns_dad": ndp(135, PEER_IP6, bytes(16), group, mcast_mac(group),
                          CLIENT_MAC),
        "ndp_na": ndp(136, PEER_IP6, PEER_IP6, CLIENT_IP6, CLIENT_MAC,
                      PEER_MAC, flags=0x60, lla=PEER_MAC),
        "ndp_ns_hop_limit_64": ndp(135, PEER_IP6, CLIENT_IP6, group,
                                   mcast_mac(group), CLIENT_MAC,
                                   lla=CLIENT_MAC, hop_limit=64),
        "mld2_report": mld2_report(solicited_node(CLIENT_IP6)),
    }


def seeds():
    isn, peer_isn = 0x1A2B3C4D, 0x5E6F7081
    syn = client_tcp(SYN, isn, 0, syn_options(0x009C4E21, 0), window=64240)
    return ipv6_seeds(isn, peer_isn) | {
        "arp_request": arp(1, CLIENT_MAC, CLIENT_IP, b"\x00" * 6, PEER_IP,
                           BROADCAST),
        "arp_reply": arp(2, PEER_MAC, PEER_IP, CLIENT_MAC, CLIENT_IP,
                         CLIENT_MAC),
        "syn_options": syn,
        "synack_options": peer_tcp(SYN | ACK, peer_isn, isn + 1,
                                   syn_options(0x00ABCDEF, 0x009C4E21)),
        "ack_padded": client_tcp(ACK, isn + 1, peer_isn + 1) + b"\x00" * 6,
        "data_psh": client_tcp(PSH | ACK, isn + 1, peer_isn + 1,
                               ts_options(0x009C4E30, 0x00ABCDEF),
                               b"GET / HTTP/1.0\r\n\r\n"),
        "fin_ack": client_tcp(FIN | ACK, isn + 19, peer_isn + 1,
                              ts_options(0x009C4E40, 0x00ABCDF0)),
        "rst": client_tcp(RST, isn + 20, 0),
        "rst_ack": peer_tcp(RST | ACK, peer_isn + 1, isn + 20),
        "truncated_syn": syn[:40],
        "syn_bad_tcp_csum": syn[:50] + bytes([syn[50] ^ 0xFF]) + syn[51:],
        "syn_bad_ip_csum": syn[:24] + bytes([syn[24] ^ 0xFF]) + syn[25:],
        "syn_bad_option": client_tcp(SYN, isn, 0, bytes([2, 4, 5, 180,
                                                         3, 0, 0, 0])),
        "ip_options_ack": client_tcp_ip_opts(isn + 1, peer_isn + 1),
        "fragment": client_tcp(ACK, isn + 1, peer_isn + 1, frag=0x2000),
        "udp": eth(PEER_MAC, CLIENT_MAC, 0x0800,
                   ipv4(struct.pack("!HHHH", 5353, 5353, 12, 0) + b"lab!",
                        proto=17)),
        "vlan_syn": syn[:12] + bytes.fromhex("81000064") + syn[12:],
        "syn_partial_csum": offloaded(syn),
        # A TSO super-segment: five 1448-byte segments in one frame.
        "data_tso_partial_csum": offloaded(client_tcp(
            ACK, isn + 1, peer_isn + 1, ts_options(0x009C4E50, 0x00ABCDF0),
            bytes(range(256)) * 28 + bytes(72))),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "corpus", "frame")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
