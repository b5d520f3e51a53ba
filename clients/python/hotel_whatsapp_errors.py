"""The contract's error of a failed gRPC call.

The server puts a google.rpc.Status in the call's trailing metadata
(grpc-status-details-bin) whose details hold a hotel.whatsapp.v1.ErrorDetail:
the contract's code (MESSAGE_WINDOW_EXPIRED, ...), message, details and
recovery options, the same as REST's error body.

    try:
        stub.SendMessage(request, metadata=auth)
    except grpc.RpcError as e:
        detail = error_detail(e)
        print(detail.code, list(detail.recovery_options))
"""

from google.rpc import status_pb2

from hotel.whatsapp.v1 import common_pb2

_DETAILS_KEY = "grpc-status-details-bin"


def error_detail(rpc_error):
    """The ErrorDetail of a failed call (a grpc.RpcError), or None when the
    server sent none (a transport failure: the code says what happened)."""
    for key, value in rpc_error.trailing_metadata() or ():
        if key != _DETAILS_KEY:
            continue
        status = status_pb2.Status.FromString(value)
        for any_detail in status.details:
            detail = common_pb2.ErrorDetail()
            if any_detail.Unpack(detail):
                return detail
    return None
