import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLocalhostName, isNonPublicAddress, nonPublicHostProblem } from '../../../src/shared/network-addresses.ts';

describe('network addresses: what a webhook may not reach', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified and reserved IPv4 addresses', () => {
    for (const address of [
      '127.0.0.1', '127.255.255.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1',
      '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '198.18.0.1',
    ]) assert.equal(isNonPublicAddress(address), true, address);
  });

  it('lets public IPv4 addresses through, including the neighbours of each private range', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '11.0.0.0', '192.169.0.1', '169.253.255.255', '93.184.216.34']) {
      assert.equal(isNonPublicAddress(address), false, address);
    }
  });

  it('refuses loopback, unspecified, unique-local, link-local and multicast IPv6, with brackets or a zone id', () => {
    for (const address of ['::1', '::', '[::1]', 'fc00::1', 'fd12:3456:789a::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'ff02::1', '0:0:0:0:0:0:0:1']) {
      assert.equal(isNonPublicAddress(address), true, address);
    }
  });

  it('sees through IPv4-mapped, IPv4-compatible and NAT64 forms of private IPv4 addresses', () => {
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:10.0.0.1]', '::ffff:a9fe:a9fe', '::ffff:192.168.0.1', '::127.0.0.1', '64:ff9b::10.0.0.1']) {
      assert.equal(isNonPublicAddress(address), true, address);
    }
    for (const address of ['::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8']) assert.equal(isNonPublicAddress(address), false, address);
  });

  it('lets public IPv6 addresses through', () => {
    for (const address of ['2001:4860:4860::8888', '2606:4700:4700::1111', '[2a00:1450:4001:80b::200e]']) assert.equal(isNonPublicAddress(address), false, address);
  });

  it('knows localhost names, trailing dot and subdomains included, and nothing else', () => {
    for (const name of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost.']) assert.equal(isLocalhostName(name), true, name);
    for (const name of ['localhost.example.com', 'notlocalhost', 'example.com']) assert.equal(isLocalhostName(name), false, name);
  });

  it('names the problem of a URL host: literal non-public addresses and localhost; other names wait for the connection', () => {
    assert.match(nonPublicHostProblem('127.0.0.1') ?? '', /non-public/);
    assert.match(nonPublicHostProblem('[::1]') ?? '', /non-public/);
    assert.match(nonPublicHostProblem('[::ffff:7f00:1]') ?? '', /non-public/);
    assert.match(nonPublicHostProblem('localhost') ?? '', /own machine/);
    assert.equal(nonPublicHostProblem('example.com'), null);
    assert.equal(nonPublicHostProblem('8.8.8.8'), null);
    // URL parsing turns other IPv4 notations into the dotted form before this check sees them.
    assert.match(nonPublicHostProblem(new URL('http://2130706433/').hostname) ?? '', /non-public/);
    assert.match(nonPublicHostProblem(new URL('http://0x7f.1/').hostname) ?? '', /non-public/);
  });
});
