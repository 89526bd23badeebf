import { describe, expect, it } from 'vitest'
import { checkCallbackUrl, type HostResolver } from '../../src/security/url-check.js'

const dns: Record<string, string[]> = {
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example.com': ['10.1.2.3'],
  'sneaky.example.com': ['93.184.215.14', '127.0.0.1'],
  'v6-loop.example.com': ['::1'],
  'mapped.example.com': ['::ffff:192.168.1.10'],
  'meta.example.com': ['169.254.169.254'],
  'nat64.example.com': ['93.184.215.14', '64:ff9b:1::a9fe:a9fe'],
}
const resolve: HostResolver = async (host) => {
  const answer = dns[host]
  if (!answer) throw new Error('ENOTFOUND')
  return answer
}
const check = (url: string, allow: string[] = []) => checkCallbackUrl(url, { allow, resolve })
const reason = async (url: string, allow: string[] = []) => {
  const result = await check(url, allow)
  return result.ok ? 'ok' : result.reason
}

describe('callback URL checks (SSRF)', () => {
  it('accepts a public https URL whose name resolves to public addresses', async () => {
    const result = await check('https://hooks.example.com/manifold?x=1')
    expect(result.ok && result.url.href).toBe('https://hooks.example.com/manifold?x=1')
  })

  it('refuses plain http, credentials and unparsable URLs', async () => {
    expect(await reason('http://hooks.example.com/x')).toBe('only https URLs are accepted')
    expect(await reason('https://user:pw@hooks.example.com/x')).toBe('it contains credentials (user:password@)')
    expect(await reason('https://user@hooks.example.com/x')).toBe('it contains credentials (user:password@)')
    expect(await reason('not a url')).toBe('it is not a valid absolute URL')
    expect(await reason('ftp://hooks.example.com/x')).toBe('only https URLs are accepted')
  })

  it.each([
    ['https://127.0.0.1/', 'the host 127.0.0.1 is a loopback address'],
    ['https://10.0.0.8/', 'the host 10.0.0.8 is a private address'],
    ['https://172.20.1.1/', 'the host 172.20.1.1 is a private address'],
    ['https://192.168.0.1/', 'the host 192.168.0.1 is a private address'],
    ['https://169.254.169.254/latest/meta-data', 'the host 169.254.169.254 is a link-local or cloud metadata address'],
    ['https://100.64.0.1/', 'the host 100.64.0.1 is a carrier-grade NAT address'],
    ['https://0.0.0.0/', 'the host 0.0.0.0 is an unspecified ("this network") address'],
    ['https://224.0.0.1/', 'the host 224.0.0.1 is a multicast address'],
    ['https://[::1]/', 'the host [::1] is a loopback address'],
    ['https://[::]/', 'the host [::] is an unspecified address'],
    ['https://[::ffff:127.0.0.1]/', 'the host [::ffff:7f00:1] is a loopback address'],
    ['https://[::ffff:10.0.0.1]/', 'the host [::ffff:a00:1] is a private address'],
    ['https://[0:0:0:0:0:ffff:7f00:1]/', 'the host [::ffff:7f00:1] is a loopback address'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'the host [64:ff9b::a9fe:a9fe] is a link-local or cloud metadata address'],
    ['https://[fd00:ec2::254]/', 'the host [fd00:ec2::254] is a unique-local (private) address'],
    ['https://[fe80::1]/', 'the host [fe80::1] is a link-local address'],
    ['https://[ff02::1]/', 'the host [ff02::1] is a multicast address'],
    // Decimal, hex, octal and short IPv4 forms: the URL parser normalises them before the check.
    ['https://2130706433/', 'the host 127.0.0.1 is a loopback address'],
    ['https://0x7f000001/', 'the host 127.0.0.1 is a loopback address'],
    ['https://0x7f.0.0.1/', 'the host 127.0.0.1 is a loopback address'],
    ['https://0177.0.0.1/', 'the host 127.0.0.1 is a loopback address'],
    ['https://127.1/', 'the host 127.0.0.1 is a loopback address'],
    ['https://3232235521/', 'the host 192.168.0.1 is a private address'],
    ['https://0xa9fea9fe/', 'the host 169.254.169.254 is a link-local or cloud metadata address'],
    // IPv6 forms that carry an IPv4 address: the IPv4 inside decides (issue 11, item 6).
    ['https://[::ffff:0:7f00:1]/', 'the host [::ffff:0:7f00:1] is a loopback address'],
    ['https://[::ffff:0:a9fe:a9fe]/', 'the host [::ffff:0:a9fe:a9fe] is a link-local or cloud metadata address'],
    ['https://[64:ff9b:1::a9fe:a9fe]/', 'the host [64:ff9b:1::a9fe:a9fe] is a link-local or cloud metadata address'],
    ['https://[64:ff9b:1::808:808]/', 'the host [64:ff9b:1::808:808] is a local-use NAT64 address'],
    ['https://[2002:a9fe:a9fe::1]/', 'the host [2002:a9fe:a9fe::1] is a link-local or cloud metadata address'],
    ['https://[2002:c0a8:101::]/', 'the host [2002:c0a8:101::] is a private address'],
    ['https://[::7f00:1]/', 'the host [::7f00:1] is a loopback address'],
    ['https://[::808:808]/', 'the host [::808:808] is a reserved address'],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'the host [2001:0:4136:e378:8000:63bf:3fff:fdd2] is a Teredo tunnelling address'],
    ['https://[2001:db8::1]/', 'the host [2001:db8::1] is a reserved address'],
    ['https://[fec0::1]/', 'the host [fec0::1] is a site-local address'],
    ['https://[100::1]/', 'the host [100::1] is a discard-only address'],
    ['https://[fe80::1%25eth0]/', 'it is not a valid absolute URL'],
    ['https://192.0.2.1/', 'the host 192.0.2.1 is a reserved address'],
    ['https://198.18.0.1/', 'the host 198.18.0.1 is a reserved address'],
    ['https://240.0.0.1/', 'the host 240.0.0.1 is a reserved address'],
    ['https://255.255.255.255/', 'the host 255.255.255.255 is a broadcast address'],
  ])('refuses %s', async (url, expected) => {
    expect(await reason(url)).toBe(expected)
  })

  it.each([
    'https://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://[::ffff:808:808]/',
    'https://[64:ff9b::808:808]/',
    'https://[2002:808:808::1]/',
  ])('accepts the public address %s', async (url) => {
    expect(await reason(url)).toBe('ok')
  })

  it('refuses names for the machine itself and names that resolve to private addresses', async () => {
    expect(await reason('https://localhost/')).toBe("the host localhost is the gateway's own machine or a metadata service")
    expect(await reason('https://api.localhost/')).toBe("the host api.localhost is the gateway's own machine or a metadata service")
    expect(await reason('https://metadata.google.internal/')).toBe("the host metadata.google.internal is the gateway's own machine or a metadata service")
    expect(await reason('https://internal.example.com/')).toBe('the host internal.example.com resolves to 10.1.2.3, a private address')
    expect(await reason('https://sneaky.example.com/')).toBe('the host sneaky.example.com resolves to 127.0.0.1, a loopback address')
    expect(await reason('https://v6-loop.example.com/')).toBe('the host v6-loop.example.com resolves to ::1, a loopback address')
    expect(await reason('https://mapped.example.com/')).toBe('the host mapped.example.com resolves to ::ffff:192.168.1.10, a private address')
    expect(await reason('https://meta.example.com/')).toBe('the host meta.example.com resolves to 169.254.169.254, a link-local or cloud metadata address')
    expect(await reason('https://nat64.example.com/')).toBe('the host nat64.example.com resolves to 64:ff9b:1::a9fe:a9fe, a link-local or cloud metadata address')
    expect(await reason('https://nowhere.example.com/')).toBe('the host nowhere.example.com does not resolve')
  })

  it('lets MANIFOLD_CALLBACK_ALLOW hosts be plain http and private, matching the port when one is given', async () => {
    expect(await reason('http://127.0.0.1:8080/hook', ['127.0.0.1'])).toBe('ok')
    expect(await reason('http://127.0.0.1:8080/hook', ['127.0.0.1:8080'])).toBe('ok')
    expect(await reason('http://127.0.0.1:9090/hook', ['127.0.0.1:8080'])).toBe('only https URLs are accepted')
    expect(await reason('https://127.0.0.1:9090/hook', ['127.0.0.1:8080'])).toBe('the host 127.0.0.1 is a loopback address')
    expect(await reason('http://[::1]:3000/', ['[::1]'])).toBe('ok')
    expect(await reason('http://internal.example.com/', ['internal.example.com'])).toBe('ok')
    expect(await reason('http://u:p@127.0.0.1/', ['127.0.0.1'])).toBe('it contains credentials (user:password@)')
  })

  it('without a resolver (Workers) checks names by their text only', async () => {
    const result = await checkCallbackUrl('https://internal.example.com/', { allow: [] })
    expect(result.ok).toBe(true)
    expect((await checkCallbackUrl('https://localhost/', { allow: [] })).ok).toBe(false)
  })
})
