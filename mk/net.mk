# mk/net.mk - the C library's network: lwIP 2.1.3 from Debian's pristine
# source (tools/port, ports/lwip.port) and Arbor's sockets on it
# (libc/net/, docs/network.md).
#
#   make libc     also builds build/lib/libarbor_net.a: lwIP's core, IPv4
#                 and Ethernet, and libc/net/; tools/arbor-cc links it, and
#                 a program takes from it only if it uses the network
#
# lwIP is compiled with the system layer's flags, warnings as errors
# (it has none), against its headers and ours (libc/net/include:
# lwipopts.h, the one configuration, and arch/cc.h).

LWIP_DIR := $(BUILD)/ports/lwip-2.1.3
LWIP_SRC := core/def.c core/dns.c core/inet_chksum.c core/init.c core/ip.c core/mem.c core/memp.c \
            core/netif.c core/pbuf.c core/sys.c core/tcp.c core/tcp_in.c core/tcp_out.c \
            core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
            core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c
LWIP_OBJ := $(patsubst %.c,$(BUILD)/obj/lwip/%.o,$(LWIP_SRC))
NET_CFLAGS := $(POSIX_CFLAGS) -Ilibc/net/include -I$(LWIP_DIR)/src/include -Ilibc/posix
NET_OBJ := $(patsubst %,$(BUILD)/obj/net/%.o,$(wildcard libc/net/*.c))
LIBC_NET := $(BUILD)/lib/libarbor_net.a

$(LWIP_DIR)/.arbor-port: ports/lwip.port $(wildcard ports/lwip/*.patch) tools/port
	$(Q)BUILD=$(BUILD) sh tools/port prepare lwip >/dev/null

$(LWIP_OBJ): $(BUILD)/obj/lwip/%.o: $(LWIP_DIR)/.arbor-port $(wildcard libc/net/include/*.h libc/net/include/*/*.h) | $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(NET_CFLAGS) -c $(LWIP_DIR)/src/$*.c -o $@

$(BUILD)/obj/net/%.c.o: %.c $(LWIP_DIR)/.arbor-port | $(SESSION_HEADERS) $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(NET_CFLAGS) -MMD -MP -c $< -o $@

$(LIBC_NET): $(LWIP_OBJ) $(NET_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

.PHONY: libc
libc: $(LIBC_NET)
