package io.omniforge.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A network as a prefix of address bits: {@code 10.0.0.0/8}, {@code fe80::/10}; a bare address is its own network. */
final class Cidr {

    private final byte[] network;
    private final int bits;
    private final String text;

    private Cidr(byte[] network, int bits, String text) {
        this.network = network;
        this.bits = bits;
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException when {@code cidr} is not an IPv4 or IPv6 address with an optional prefix length
     */
    static Cidr parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        // Literals only: a host name here would be looked up while the configuration is read.
        if (address.isEmpty() || !address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("'" + cidr + "' is not a network: an IP address with an optional /prefix");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not a network: an IP address with an optional /prefix");
        }
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            String prefix = s.substring(slash + 1);
            bits = prefix.matches("\\d{1,3}") ? Integer.parseInt(prefix) : -1;
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + cidr + "': the prefix length must be 0 to " + max);
            }
        }
        return new Cidr(bytes, bits, s);
    }

    /** Whether {@code address} is in this network (an IPv4 network never holds an IPv6 address, nor the reverse). */
    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
