/**
 * Why `npm start` could not start, said for the person at the console: Vietnamese, then English,
 * with what to do. Errors not known here get a generic line plus their own text.
 */
import { bilingual, type LocalizedText } from '@oss/protocol';
import { ConfigError } from './config/load.ts';
import { EnvError, type ServerEnv } from './env.ts';
import { StorageError } from './storage/errors.ts';

interface SystemError extends Error {
  code?: string;
  port?: number;
  hostname?: string;
  address?: string;
}

export function explainStartError(e: unknown, env: ServerEnv | null): string {
  if (e instanceof ConfigError || e instanceof EnvError) return e.message;
  if (e instanceof StorageError) return bilingual(e.text);
  const err = (e instanceof Error ? e : new Error(String(e))) as SystemError;
  const text = systemText(err, env);
  return text ? bilingual(text) : unknownText(err);
}

function systemText(err: SystemError, env: ServerEnv | null): LocalizedText | null {
  if (err.code === 'EADDRINUSE') {
    const isBroker = env !== null && !env.mqttUrl && err.port === env.mqttPort && err.port !== env.httpPort;
    const [vi, en, variable] = isBroker
      ? ['broker MQTT', 'the MQTT broker', 'OSS_MQTT_PORT']
      : ['HTTP', 'HTTP', 'OSS_HTTP_PORT'];
    return {
      vi: `Cổng ${err.port} cho ${vi} đang bị chương trình khác dùng (có thể một máy chủ khác đang chạy): dừng chương trình đó, hoặc đặt ${variable} sang cổng khác`,
      en: `port ${err.port} for ${en} is already in use (perhaps another server is running): stop that program, or set ${variable} to another port`,
    };
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EADDRNOTAVAIL' || err.code === 'EAI_AGAIN') {
    const host = err.hostname ?? err.address ?? env?.httpHost ?? '?';
    return {
      vi: `Không nghe được trên địa chỉ "${host}" (${err.code}): OSS_HTTP_HOST phải là một địa chỉ của máy này, ví dụ 0.0.0.0 hoặc 127.0.0.1`,
      en: `cannot listen on address "${host}" (${err.code}): OSS_HTTP_HOST must be an address of this machine, such as 0.0.0.0 or 127.0.0.1`,
    };
  }
  if (err.code === 'EACCES' || err.code === 'EPERM')
    return {
      vi: `Không có quyền (${err.code}): ${err.message}. Kiểm tra quyền của thư mục dữ liệu (OSS_DATA_DIR) và dùng cổng từ 1024 trở lên`,
      en: `permission denied (${err.code}): ${err.message}. Check the data folder's permissions (OSS_DATA_DIR) and use a port of 1024 or above`,
    };
  if (err.code === 'ECONNREFUSED')
    return {
      vi: `Không kết nối được broker MQTT ${env?.mqttUrl ?? ''}: kiểm tra broker đang chạy (systemctl status mosquitto) và OSS_MQTT_URL`,
      en: `cannot reach the MQTT broker ${env?.mqttUrl ?? ''}: check that it runs (systemctl status mosquitto) and OSS_MQTT_URL`,
    };
  return null;
}

function unknownText(err: SystemError): string {
  return bilingual({
    vi: `Máy chủ không khởi động được: ${err.message}. Xem nhật ký ở trên; báo cho kỹ thuật viên nếu lỗi lặp lại`,
    en: `the server could not start: ${err.message}. See the log above; tell the technician if it happens again`,
  });
}
