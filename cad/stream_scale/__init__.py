"""The live stream at a thousand consoles (`manage.py bench --stream-scale`), measured beside a bare
`websockets` broadcast server in the same run (`cases.py` holds the cases).

Servers and consoles run in processes of their own, as in production: `manage.py serve` (daphne
processes sharing one socket), a bare broadcast server, and client processes each holding many
sockets on one asyncio loop. All run on one machine, so a call's latency is the wall clock at its
arrival on a console minus the wall clock just before its POST (or the bare server's trigger).

Nothing here imports Django: the client processes are started fresh (spawn) and import only this
package.
"""
