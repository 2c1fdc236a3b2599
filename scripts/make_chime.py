"""Regenerate civicdesk/static/live/chime.wav: a two-tone chime (880 Hz then 660 Hz, 0.9 s)."""

import math
import struct
import wave
from pathlib import Path

RATE = 16000
OUT = Path(__file__).resolve().parent.parent / "civicdesk" / "static" / "live" / "chime.wav"


def main() -> None:
    frames = bytearray()
    for freq, duration in ((880.0, 0.35), (660.0, 0.55)):
        for i in range(int(RATE * duration)):
            t = i / RATE
            envelope = min(1.0, t / 0.01) * math.exp(-3.0 * t / duration)
            value = envelope * (
                0.6 * math.sin(2 * math.pi * freq * t) + 0.2 * math.sin(4 * math.pi * freq * t)
            )
            frames += struct.pack("<h", int(value * 20000))
    with wave.open(str(OUT), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


if __name__ == "__main__":
    main()
