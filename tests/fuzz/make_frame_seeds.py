#!/usr/bin/env python3
"""Write the seed corpus for fuzz_frame into tests/fuzz/corpus/frame/.

Every seed is built from fixed values, so running this again produces
byte-identical files. The checksums are computed here in Python, apart
from the C codec, so a seed that decodes cleanly is also a cross-check.

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


def ipv6_syn(seq):
    """IPv6 (2001::1 -> 2001::2) is never looked into; its TCP checksum is
    the IPv4 one and stays wrong on purpose."""
    hdr = (bytes.fromhex("6000000000140640") + b"\x20\x01" + b"\x00" * 13 +
           b"\x01" + b"\x20\x01" + b"\x00" * 13 + b"\x02")
    return eth(PEER_MAC, CLIENT_MAC, 0x86DD,
               hdr + tcp(45678, 8080, seq, 0, SYN, 64800))


def seeds():
    isn, peer_isn = 0x1A2B3C4D, 0x5E6F7081
    syn = client_tcp(SYN, isn, 0, syn_options(0x009C4E21, 0), window=64240)
    return {
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
        "ipv6_tcp": ipv6_syn(isn),
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
