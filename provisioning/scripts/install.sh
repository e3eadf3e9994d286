#!/bin/bash
# The installer every device runs once as root, from cloud-init (Trixie) or firstrun.sh (Bookworm);
# safe to run again. `npm run provision -- render` copies it to oss/install.sh on the boot partition
# with the device's values in the block below (these defaults are an example).
set -euo pipefail
# oss-values-begin
DEVICE_ID=kiosk-1
DEVICE_KIND=kiosk # kiosk | counter | display
SESSION=lite # lite (cage) | desktop (labwc) | none
APT_MIRROR=""
APP_DIR=/opt/oss/app
NODE_BIN=/opt/oss/node/bin/node
AGENT_USER=oss-agent
AGENT_DATA_DIR=/var/lib/oss-agent
AGENT_GROUPS="gpio dialout lp input plugdev audio video"
KIOSK_USER=oss-kiosk
# oss-values-end

BOOT=/boot/firmware
[ -d "$BOOT/oss" ] || BOOT=/boot
SRC="$BOOT/oss"
exec > >(tee -a /var/log/oss-install.log) 2>&1
echo "oss-install: $DEVICE_ID ($DEVICE_KIND) $(date -u +%FT%TZ)"

# 1. Node LTS: a tarball copied to the boot partition, or else Debian's nodejs from the local mirror.
install -d -m 0755 /opt/oss/node "$APP_DIR" /opt/oss/audio
if [ -f "$SRC/node.tar.xz" ]; then
  tar -xJf "$SRC/node.tar.xz" -C /opt/oss/node --strip-components=1
elif [ -n "$APT_MIRROR" ]; then
  echo "deb $APT_MIRROR trixie main" > /etc/apt/sources.list.d/oss-mirror.list
  apt-get update
  apt-get install -y --no-install-recommends nodejs
  install -d /opt/oss/node/bin
  ln -sf /usr/bin/node "$NODE_BIN"
else
  echo "oss-install: thieu Node (oss/node.tar.xz) / Node is missing (oss/node.tar.xz or site.aptMirror)" >&2
  exit 1
fi
"$NODE_BIN" --version

# 2. The application (built for arm64 on a reference Pi: see docs/provisioning.md).
if [ ! -f "$SRC/oss-app.tar.gz" ]; then
  echo "oss-install: thieu oss/oss-app.tar.gz / the application bundle is missing" >&2
  exit 1
fi
tar -xzf "$SRC/oss-app.tar.gz" -C "$APP_DIR"
# Screen packages from the local mirror (the desktop image already has chromium).
if [ -n "$APT_MIRROR" ] && [ "$SESSION" != none ]; then
  if [ "$SESSION" = lite ]; then SCREEN_PACKAGES="cage chromium curl"; else SCREEN_PACKAGES="chromium curl"; fi
  # shellcheck disable=SC2086 # a list of package names
  apt-get install -y --no-install-recommends $SCREEN_PACKAGES libusb-1.0-0 pcscd
fi

# 3. The service user and its groups; the screen's user.
getent group gpio >/dev/null || groupadd --system gpio
if ! id -u "$AGENT_USER" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$AGENT_DATA_DIR" --shell /usr/sbin/nologin "$AGENT_USER"
fi
for g in $AGENT_GROUPS; do
  if getent group "$g" >/dev/null; then usermod -aG "$g" "$AGENT_USER"; fi
done
if [ "$SESSION" != none ]; then
  if ! id -u "$KIOSK_USER" >/dev/null 2>&1; then
    useradd --create-home --user-group --shell /bin/bash "$KIOSK_USER"
  fi
  for g in video render audio; do
    if getent group "$g" >/dev/null; then usermod -aG "$g" "$KIOSK_USER"; fi
  done
fi
# Images written without Imager's settings start a first-boot wizard; the site has its own users.
if id -u rpi-first-boot-wizard >/dev/null 2>&1; then
  systemctl disable userconfig.service >/dev/null 2>&1 || true
  deluser --remove-home rpi-first-boot-wizard || true
  rm -f /etc/sudoers.d/010_wiz-nopasswd /etc/xdg/autostart/deluser.desktop /etc/xdg/autostart/piwiz.desktop
  systemctl enable getty@tty1.service || true
fi

# 4. Configuration with the device's secret: 0600, owned by the service user; then off the FAT partition.
install -d -m 0750 -o root -g "$AGENT_USER" /etc/oss
if [ -f "$SRC/agent.yaml" ]; then
  install -m 0600 -o "$AGENT_USER" -g "$AGENT_USER" "$SRC/agent.yaml" /etc/oss/agent.yaml
  shred -u "$SRC/agent.yaml" 2>/dev/null || rm -f "$SRC/agent.yaml"
fi
if [ -f "$SRC/ca.crt" ]; then
  install -m 0644 "$SRC/ca.crt" /etc/oss/ca.crt
  install -m 0644 "$SRC/ca.crt" /usr/local/share/ca-certificates/oss-site.crt
  update-ca-certificates || true
fi

# 5. Units, udev rules, fonts; a display's call-out clips.
install -m 0644 "$SRC/oss-agent.service" /etc/systemd/system/oss-agent.service
install -m 0644 "$SRC/99-oss.rules" /etc/udev/rules.d/99-oss.rules
install -d -m 0755 /usr/local/share/fonts/oss
install -m 0644 "$SRC"/fonts/*.ttf /usr/local/share/fonts/oss/
fc-cache -f >/dev/null 2>&1 || true
if [ "$DEVICE_KIND" = display ]; then
  install -d -m 0755 /opt/oss/audio/vi
  install -m 0644 "$SRC"/audio/vi/*.wav /opt/oss/audio/vi/
fi
udevadm control --reload-rules || true
udevadm trigger || true

# 6. GPIO pulls and the rest of config.txt (once).
if ! grep -q '^# oss-begin' "$BOOT/config.txt"; then
  cat "$SRC/config.txt.oss" >> "$BOOT/config.txt"
fi

# 7. The kiosk screen: the browser loop, screen blanking off; none on a device without a screen.
if [ "$SESSION" != none ]; then
  install -m 0755 "$SRC/oss-kiosk" /usr/local/bin/oss-kiosk
  if command -v raspi-config >/dev/null; then raspi-config nonint do_blanking 1 || true; fi
fi
if [ "$SESSION" = lite ]; then
  install -m 0644 "$SRC/oss-kiosk-session.service" /etc/systemd/system/oss-kiosk-session.service
  systemctl disable getty@tty1.service || true
  systemctl enable oss-kiosk-session.service
  systemctl set-default graphical.target
elif [ "$SESSION" = desktop ]; then
  # Desktop image: autologin of the kiosk user into labwc, whose autostart runs the loop.
  install -d -m 0755 /etc/lightdm/lightdm.conf.d
  printf '[Seat:*]\nautologin-user=%s\n' "$KIOSK_USER" > /etc/lightdm/lightdm.conf.d/50-oss-kiosk.conf
  install -d -o "$KIOSK_USER" -g "$KIOSK_USER" "/home/$KIOSK_USER/.config" "/home/$KIOSK_USER/.config/labwc"
  install -m 0644 -o "$KIOSK_USER" -g "$KIOSK_USER" "$SRC/labwc-autostart" "/home/$KIOSK_USER/.config/labwc/autostart"
  if command -v raspi-config >/dev/null; then raspi-config nonint do_boot_behaviour B4 || true; fi
  # raspi-config names the first user in lightdm.conf, which is read last: name ours there too.
  if [ -f /etc/lightdm/lightdm.conf ]; then
    sed -i "s/^#\\?autologin-user=.*/autologin-user=$KIOSK_USER/" /etc/lightdm/lightdm.conf
  fi
fi

# 8. Start at every boot.
systemctl daemon-reload
systemctl enable oss-agent.service
touch "$AGENT_DATA_DIR/.provisioned" 2>/dev/null || true
echo "oss-install: xong / done"
