// The alert tones of the console and the board: a short one for a new alert, three loud ones for
// an escalation, and the emergency's siren-like pair, sounded again and again until a supervisor
// acknowledges it. Without a sound device (or before the page may play sound) the alert still
// shows and flashes.

let audio = null;

export function beep(level) {
  try {
    audio = audio || new AudioContext();
    const times = level > 1 ? 3 : 1;
    for (let i = 0; i < times; i++) {
      play(audio.currentTime + i * 0.35, level > 1 ? 1200 : 880, level > 1 ? 0.5 : 0.15, 0.2);
    }
  } catch {
    // No sound device, or not allowed yet.
  }
}

function emergencyTone() {
  try {
    audio = audio || new AudioContext();
    for (let i = 0; i < 4; i++) play(audio.currentTime + i * 0.3, i % 2 ? 960 : 1400, 0.6, 0.28);
  } catch {
    // As above.
  }
}

function play(start, frequency, volume, length) {
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = frequency;
  gain.gain.value = volume;
  tone.connect(gain).connect(audio.destination);
  tone.start(start);
  tone.stop(start + length);
}

// The emergency tone every few seconds while `open()` says an emergency is unacknowledged.
export function emergencySiren(open, everyMs = 2500) {
  let timer = null;
  return function update() {
    if (open() && timer === null) {
      emergencyTone();
      timer = setInterval(() => (open() ? emergencyTone() : stop()), everyMs);
    } else if (!open()) {
      stop();
    }
  };
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }
}
