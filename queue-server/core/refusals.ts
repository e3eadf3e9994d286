/**
 * Every refusal of a command, in one place: each throws a ProtocolError with its code and its
 * Vietnamese and English text, so that the same refusal reads the same from every handler.
 */
import { fail } from '@oss/protocol';

// --- unknown names ---------------------------------------------------------------------------

export function ticketNotFound(): never {
  fail('not_found', 'Không tìm thấy số thứ tự', 'Ticket not found');
}

export function unknownCounter(id: string): never {
  fail('unknown_counter', `Không có quầy "${id}"`, `unknown counter "${id}"`);
}

export function unknownService(id: string): never {
  fail('unknown_service', `Không có dịch vụ "${id}"`, `unknown service "${id}"`);
}

export function unknownProcedure(id: string): never {
  fail('invalid_request', `Không có thủ tục "${id}"`, `unknown procedure "${id}"`);
}

export function unknownPriorityClass(id: string): never {
  fail('invalid_request', `Không có đối tượng ưu tiên "${id}"`, `unknown priority class "${id}"`);
}

// --- issuing -----------------------------------------------------------------------------------

export function procedureOfAnotherService(): never {
  fail('invalid_request', 'Thủ tục không thuộc dịch vụ đã chọn', 'The procedure belongs to another service');
}

/** A class the citizen may not claim; the appointment class needs a checked-in appointment code. */
export function undeclarableClass(name: { vi: string; en: string }, isAppointment: boolean): never {
  fail(
    'forbidden',
    `Không thể tự khai đối tượng "${name.vi}"${isAppointment ? ': cần mã lịch hẹn' : ''}`,
    `"${name.en}" cannot be declared${isAppointment ? ': an appointment code is needed' : ''}`,
  );
}

export function outsideOpeningHours(): never {
  fail(
    'unavailable',
    'Ngoài giờ làm việc, kính mời quý khách quay lại sau',
    'Outside opening hours, please come back later',
  );
}

export function requestWithdrawn(): never {
  fail(
    'conflict',
    'Ki-ốt đã hủy yêu cầu này và cấp số khác',
    'The kiosk withdrew this request and issued another ticket',
  );
}

export function offlineNumbersUsedUp(bandSize: number): never {
  fail(
    'conflict',
    `Ki-ốt đã nhận hết ${bandSize} số dự phòng của dịch vụ này hôm nay`,
    `This kiosk has already taken its ${bandSize} offline numbers for this service today`,
  );
}

export function notInLease(): never {
  fail(
    'conflict',
    'Số không thuộc dải số đã cấp cho ki-ốt hôm nay',
    'The number is not in a block leased to this kiosk today',
  );
}

export function alreadyMerged(): never {
  fail('conflict', 'Số đã được ghi nhận', 'That ticket was already merged');
}

export function numberTaken(number: string): never {
  fail('conflict', `Số ${number} đã tồn tại`, `Ticket number ${number} already exists`);
}

// --- serving -----------------------------------------------------------------------------------

export function notAllowedInStatus(status: string): never {
  fail(
    'conflict',
    `Không thể thực hiện khi số ở trạng thái "${status}"`,
    `not allowed while the ticket is ${status}`,
  );
}

export function notAtThisCounter(): never {
  fail('conflict', 'Số này không ở quầy này', 'That ticket is not at this counter');
}

export function nothingToRecall(): never {
  fail('conflict', 'Quầy chưa gọi số nào để gọi lại', 'The counter has no current ticket to recall');
}

export function servingIsNoNoShow(): never {
  fail(
    'conflict',
    'Số đang được phục vụ, không thể đánh dấu vắng mặt',
    'A ticket being served cannot be a no-show',
  );
}

export function alreadyInService(): never {
  fail('conflict', 'Số đã thuộc dịch vụ này', 'The ticket is already in that service');
}

// --- counters ----------------------------------------------------------------------------------

export function finishBeforeClosing(): never {
  fail(
    'conflict',
    'Hãy kết thúc số đang phục vụ trước khi đóng quầy',
    'Finish the current ticket before closing',
  );
}

export function noServiceAtCounter(): never {
  fail(
    'invalid_request',
    'Quầy phải phục vụ ít nhất một dịch vụ',
    'A counter must serve at least one service',
  );
}

export function transferToSameCounter(): never {
  fail('conflict', 'Số đang ở chính quầy này', 'The ticket is already at this counter');
}

export function counterClosed(id: string): never {
  fail('unavailable', `Quầy "${id}" đang đóng hoặc tạm nghỉ`, `Counter "${id}" is closed or on a break`);
}

export function counterLacksService(counterId: string, serviceId: string): never {
  fail(
    'invalid_request',
    `Quầy "${counterId}" không phục vụ dịch vụ "${serviceId}"`,
    `Counter "${counterId}" does not serve "${serviceId}"`,
  );
}

// --- ratings and estimates ---------------------------------------------------------------------

export function notServedHere(): never {
  fail('conflict', 'Số này không được phục vụ tại quầy này', 'That ticket was not served at this counter');
}

export function notServed(): never {
  fail('conflict', 'Số này chưa được phục vụ', 'That ticket was not served');
}

export function nobodyToRate(): never {
  fail(
    'conflict',
    'Quầy chưa phục vụ quý khách nào để đánh giá',
    'This counter has served nobody to rate yet',
  );
}

export function alreadyRated(): never {
  fail('conflict', 'Lượt phục vụ này đã được đánh giá', 'This service has already been rated');
}

export function alreadyEstimated(): never {
  fail('conflict', 'Đã có ước lượng cho số này', 'That ticket already has an estimate');
}
